//go:build unix

package tango

import (
	"fmt"
	"io/fs"
	"os"
	"syscall"
)

// openTokenFile opens path for reading without following a symbolic link and
// without blocking on a FIFO.
func openTokenFile(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
	if err != nil {
		if fi, lerr := os.Lstat(path); lerr == nil && fi.Mode()&fs.ModeSymlink != 0 {
			return nil, fmt.Errorf("%w: a symbolic link", errForeignTokenFile)
		}
		return nil, err
	}
	return f, nil
}

// checkTokenFileOwner refuses a file another user owns, or that group or others
// may read or write: its tokens may be planted or read by someone else.
func checkTokenFileOwner(fi fs.FileInfo) error {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if ok && int(st.Uid) != os.Geteuid() {
		return fmt.Errorf("%w: owned by user id %d, not by this process's user (%d); remove it or choose another path", errForeignTokenFile, st.Uid, os.Geteuid())
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		return fmt.Errorf("%w: mode %v lets group or others in; it must be 0600", errForeignTokenFile, perm)
	}
	return nil
}
