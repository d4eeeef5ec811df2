package mdsection

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const doc = "# title\n\nbefore\n<!-- t:begin (generated; do not edit) -->\nold 1\nold 2\n<!-- t:end -->\nafter\n"

func TestReplaceKeepsEverythingOutsideTheMarkers(t *testing.T) {
	out, err := Replace([]byte(doc), "t", []byte("new\n"))
	require.NoError(t, err)
	assert.Equal(t, "# title\n\nbefore\n<!-- t:begin (generated; do not edit) -->\nnew\n<!-- t:end -->\nafter\n", string(out))

	again, err := Replace(out, "t", []byte("new\n"))
	require.NoError(t, err)
	assert.Equal(t, string(out), string(again), "rewriting with the same body changes nothing")
}

func TestReplaceAddsTheMissingFinalNewline(t *testing.T) {
	out, err := Replace([]byte(doc), "t", []byte("new"))
	require.NoError(t, err)
	assert.Contains(t, string(out), "\nnew\n<!-- t:end -->\n")
}

func TestReplaceRefusesDamagedMarkers(t *testing.T) {
	for name, d := range map[string]string{
		"no begin":     "x\n<!-- t:end -->\n",
		"no end":       "<!-- t:begin -->\nx\n",
		"end first":    "<!-- t:end -->\n<!-- t:begin -->\n",
		"two begins":   "<!-- t:begin -->\n<!-- t:begin -->\n<!-- t:end -->\n",
		"two ends":     "<!-- t:begin -->\n<!-- t:end -->\n<!-- t:end -->\n",
		"other marker": "<!-- u:begin -->\n<!-- u:end -->\n",
	} {
		_, err := Replace([]byte(d), "t", []byte("new\n"))
		assert.Error(t, err, name)
	}
}

func TestReplaceFileWritesOnlyWhenChanged(t *testing.T) {
	p := filepath.Join(t.TempDir(), "doc.md")
	require.NoError(t, os.WriteFile(p, []byte(doc), 0o644))
	changed, err := ReplaceFile(p, "t", []byte("old 1\nold 2\n"))
	require.NoError(t, err)
	assert.False(t, changed)
	changed, err = ReplaceFile(p, "t", []byte("new\n"))
	require.NoError(t, err)
	assert.True(t, changed)
	got, err := os.ReadFile(p)
	require.NoError(t, err)
	assert.Contains(t, string(got), "\nnew\n")
}
