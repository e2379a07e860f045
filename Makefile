# taskrnn: common tasks. Every target is a plain go command; make is optional.
RUN ?= runs/demo

.PHONY: demo train analyze task test bench vet

## demo: train the tutorial network on its defaults, then analyse it (figures in $(RUN))
demo:
	go run ./cmd/train -out $(RUN) && go run ./cmd/analyze -run $(RUN)

train:
	go run ./cmd/train -out $(RUN)

analyze:
	go run ./cmd/analyze -run $(RUN)

## task: print five trials of the tutorial task as JSON (NeuroGym layout)
task:
	go run ./cmd/task -seed 0 -n 5 -kwargs '{"dt":20,"timing":{"stimulus":1000},"sigma":0.3}'

test:
	go test ./...

bench:
	go test -run '^$$' -bench . -benchmem ./...

vet:
	go vet ./...
	test -z "$$(gofmt -l .)"
