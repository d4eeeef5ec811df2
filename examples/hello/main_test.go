package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestTourPrintsEachCombinatorsOutcome(t *testing.T) {
	var out strings.Builder
	run(&out)
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	require.Len(t, lines, 5)
	assert.Contains(t, lines[0], "Join:    [home about blog] in argument order")
	assert.Contains(t, lines[1], `Race:    #1 won with "fast mirror"`)
	assert.Equal(t, "Then:    fetched gopher's orders", lines[2])
	assert.Contains(t, lines[3], `TryJoin: "mirror offline"`)
	assert.Contains(t, lines[4], "joined 100000 futures (200000 child polls)")
}
