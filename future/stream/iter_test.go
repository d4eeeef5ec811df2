package stream_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future/stream"
)

func TestAllParksUntilValuesArriveFromAnotherGoroutine(t *testing.T) {
	src := &pushStream[int]{}
	go func() {
		for i := range 100 {
			src.push(i)
		}
		src.end()
	}()
	var got []int
	for v := range stream.All[int](src) {
		got = append(got, v)
	}
	assert.Equal(t, ints(100), got)
	assert.Zero(t, src.closeCount(), "a stream that ended is not closed")
}

func TestAllClosesTheStreamOnBreak(t *testing.T) {
	src := &pushStream[int]{}
	src.push(1, 2, 3)
	for v := range stream.All[int](src) {
		if v == 2 {
			break
		}
	}
	assert.Equal(t, 1, src.closeCount())
}

func TestAllContextStopsWithTheContextError(t *testing.T) {
	src := &pushStream[int]{}
	src.push(1)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var got []int
	var errs []error
	for v, err := range stream.AllContext[int](ctx, src) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		got = append(got, v)
		go cancel() // the stream stays pending: only the cancel can wake us
	}
	assert.Equal(t, []int{1}, got)
	require.Len(t, errs, 1, "the error is yielded once, then the loop ends")
	assert.ErrorIs(t, errs[0], context.Canceled)
	assert.Equal(t, 1, src.closeCount())
}

func TestAllContextWithDoneContextPollsNothing(t *testing.T) {
	src := &pushStream[int]{}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, err := range stream.AllContext[int](ctx, src) {
		assert.ErrorIs(t, err, context.Canceled)
	}
	assert.Zero(t, src.polls)
}
