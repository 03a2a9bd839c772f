package wire

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReadAtMost(t *testing.T) {
	long := strings.Repeat("x", 3000)
	tests := []struct {
		name     string
		body     string
		n        int64
		hint     int64
		want     string
		maxAlloc int // the buffer's capacity must not exceed it (0: unchecked)
	}{
		{"shorter than the cap, length unknown", "hello", 100, -1, "hello", 0},
		{"exactly the cap", "hello", 5, 5, "hello", 0},
		{"longer than the cap: cut", long, 1000, -1, long[:1000], 0},
		{"known length: one buffer", long, 5000, int64(len(long)), long, len(long) + 1},
		{"a claimed length does not reserve beyond the cap", "tiny", 10, 1 << 40, "tiny", 10},
		{"a huge claim reserves at most maxPresize", "tiny", 1 << 30, 1 << 40, "tiny", maxPresize},
		{"empty", "", 100, 0, "", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ReadAtMost(strings.NewReader(tc.body), tc.n, tc.hint)
			require.NoError(t, err)
			assert.Equal(t, tc.want, string(got))
			if tc.maxAlloc > 0 {
				assert.LessOrEqual(t, cap(got), tc.maxAlloc)
			}
		})
	}
}

func TestReadAtMostReadsInSmallPieces(t *testing.T) {
	body := bytes.Repeat([]byte("abc"), 1000)
	got, err := ReadAtMost(iotest.OneByteReader(bytes.NewReader(body)), 10000, -1)
	require.NoError(t, err)
	assert.Equal(t, body, got)
}

func TestReadAtMostReturnsWhatWasReadWithTheError(t *testing.T) {
	broken := errors.New("connection reset")
	r := io.MultiReader(strings.NewReader("partial"), iotest.ErrReader(broken))
	got, err := ReadAtMost(r, 100, -1)
	require.ErrorIs(t, err, broken)
	assert.Equal(t, "partial", string(got))
}
