//go:build !unix

package tango

import (
	"io/fs"
	"os"
)

// checkTokenFileOwner has nothing to check where files carry no Unix owner and
// mode.
func checkTokenFileOwner(fs.FileInfo) error { return nil }

// openTokenFile opens path for reading after checking that it is a regular
// file, not a symbolic link.
func openTokenFile(path string) (*os.File, error) {
	fi, err := os.Lstat(path)
	if err != nil {
		return nil, err
	}
	if err := checkTokenFile(fi); err != nil {
		return nil, err
	}
	return os.Open(path)
}
