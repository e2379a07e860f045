package data

import (
	"strings"
	"testing"
)

func toySchedule(t *testing.T, kind ScheduleKind, envInput bool, n int) *Schedule {
	t.Helper()
	envs := make([]*Env, n)
	for i := range envs {
		envs[i] = newToy(t, IntSeed(0), nil)
	}
	s, err := NewSchedule("toys", envs, kind, envInput, IntSeed(4))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestScheduleOrder: sequential cycles 0, 1, 2, 0, ...; random starts with
// task 0 and never repeats a task (RandomSchedule picks among the others).
func TestScheduleOrder(t *testing.T) {
	s := toySchedule(t, SequentialSchedule, false, 3)
	for k := 0; k < 7; k++ {
		tr, err := s.NewTrial(nil)
		if err != nil {
			t.Fatal(err)
		}
		if tr.Task != k%3 {
			t.Fatalf("trial %d from task %d, want %d", k, tr.Task, k%3)
		}
	}
	s = toySchedule(t, RandomSchedule, false, 4)
	prev, counts := -1, make([]int, 4)
	for k := 0; k < 400; k++ {
		tr, _ := s.NewTrial(nil)
		if k == 0 && tr.Task != 0 || tr.Task == prev {
			t.Fatalf("trial %d from task %d (previous %d)", k, tr.Task, prev)
		}
		prev = tr.Task
		counts[tr.Task]++
	}
	for i, c := range counts {
		if c < 60 {
			t.Errorf("task %d drawn %d times of 400", i, c)
		}
	}
	// the pick is RandomSchedule's rng.choice over the other indices
	r := IntSeed(4).NewRandomState()
	s.Seed(IntSeed(4))
	i := 0
	for k := 0; k < 20; k++ {
		tr, _ := s.NewTrial(nil)
		if tr.Task != i {
			t.Fatalf("trial %d: task %d, want %d", k, tr.Task, i)
		}
		others := []int{}
		for j := 0; j < 4; j++ {
			if j != i {
				others = append(others, j)
			}
		}
		i = others[r.RandInt(3)]
	}
}

// TestScheduleEnvInput: rule inputs append one column per task, 1 on the
// current task's column in every row.
func TestScheduleEnvInput(t *testing.T) {
	s := toySchedule(t, SequentialSchedule, true, 3)
	if s.ObSpace().Dim != 6 || len(s.ObSpace().Names) != 0 {
		t.Fatalf("observation space %+v", s.ObSpace())
	}
	ref := newToy(t, IntSeed(4), nil)
	for k := 0; k < 3; k++ {
		tr, _ := s.NewTrial(nil)
		want, _ := ref.NewTrial(nil) // every task is seeded 4 and draws once
		if k > 0 {
			ref = newToy(t, IntSeed(4), nil)
			want, _ = ref.NewTrial(nil)
		}
		for r := 0; r < tr.T; r++ {
			row := tr.Row(r)
			for c := 0; c < 3; c++ {
				if row[c] != want.Row(r)[c] {
					t.Fatalf("trial %d row %d: task columns differ", k, r)
				}
				if rule := row[3+c]; (c == k) != (rule == 1) || (c != k && rule != 0) {
					t.Fatalf("trial %d row %d: rule inputs %v", k, r, row[3:])
				}
			}
		}
	}
}

func TestScheduleErrors(t *testing.T) {
	a := newToy(t, IntSeed(0), nil)
	b := newToy(t, IntSeed(0), func(s *EnvSpec) { s.ObSpace = BoxSpace(5) })
	c := newToy(t, IntSeed(0), func(s *EnvSpec) { s.Dt = 20; s.Timing.Set("fixation", Constant(40)) })
	for _, tc := range []struct {
		envs []*Env
		kind ScheduleKind
		want string
	}{
		{nil, RandomSchedule, "no tasks"},
		{[]*Env{a, b}, RandomSchedule, "5 observation inputs"},
		{[]*Env{a, c}, RandomSchedule, "dt 20 ms"},
		{[]*Env{a}, "blocks", `kind "blocks"`},
	} {
		if _, err := NewSchedule("s", tc.envs, tc.kind, true, IntSeed(0)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("want %q, got %v", tc.want, err)
		}
	}
}
