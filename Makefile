# taskrnn: common tasks. Every target is one plain go command; make is optional.
# RUN names a run directory for `make train` and `make analyze`.
RUN ?= runs/demo

.PHONY: demo train analyze task test bench vet

## demo: train the tutorial network on its defaults, test it and write every
## figure into a new runs/<UTC date-time>/ (the README's first command)
demo:
	go run ./cmd/train

## train: the same into $(RUN) (refused if $(RUN) already holds a run)
train:
	go run ./cmd/train -out $(RUN)

## analyze: test the network of $(RUN) on 2000 trials into $(RUN)/test2000
analyze:
	go run ./cmd/analyze -run $(RUN) -n_trials 2000 -out $(RUN)/test2000

## task: print five trials of the tutorial task as JSON (NeuroGym's layout)
task:
	go run ./cmd/task -seed 0 -n 5 -kwargs '{"dt":20,"timing":{"stimulus":1000},"sigma":0.3}'

## test: the test suite, as CI runs it
test:
	go test ./...

## bench: every benchmark (speed and allocation figures quoted in the README)
bench:
	go test -run '^$$' -bench . -benchmem ./...

vet:
	go vet ./...
	test -z "$$(gofmt -l .)"
