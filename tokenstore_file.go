package tango

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
)

// The file checks of FileTokenStore: what may be read as a token file, how much of
// it, and whose it must be.

// maxTokenFileSize caps how much of a token file is read. A store with a few
// hundred clients' tokens stays far below it.
const maxTokenFileSize = 1 << 20

// errForeignTokenFile says that a file at the store's path is not one this store
// wrote, or is not the caller's to use.
var errForeignTokenFile = errors.New("not a token file this store may use")

// readTokenFile reads the store's file: a regular file, not a symbolic link, owned
// by the current user and closed to group and others (on systems with Unix
// permissions), at most maxTokenFileSize bytes. It returns (nil, nil) when the
// file does not exist. The file is opened without blocking, so a FIFO or device
// at the path is refused instead of hanging the caller.
func readTokenFile(ctx context.Context, path string) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f, err := openTokenFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if err := checkTokenFile(fi); err != nil {
		return nil, err
	}
	b, err := io.ReadAll(io.LimitReader(f, maxTokenFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxTokenFileSize {
		return nil, fmt.Errorf("%w: larger than %d bytes", errForeignTokenFile, maxTokenFileSize)
	}
	return b, nil
}

// checkTokenFile refuses what a token file must not be.
func checkTokenFile(fi fs.FileInfo) error {
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("%w: not a regular file (%v)", errForeignTokenFile, fi.Mode().Type())
	}
	return checkTokenFileOwner(fi)
}

// lockCtx takes the store's lock, or gives up when ctx ends.
func (s *fileTokenStore) lockCtx(ctx context.Context) error {
	select {
	case s.sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("tango: FileTokenStore: %w", ctx.Err())
	}
}

// unlock releases the store's lock.
func (s *fileTokenStore) unlock() { <-s.sem }
