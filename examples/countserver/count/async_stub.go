package count

import (
	"context"
	"errors"
)

// ErrNoAsync is returned while the async modes are not built in.
var ErrNoAsync = errors.New("count: async mode not available yet")

func listenAsync(addr string, cfg ServerConfig) (serverImpl, error) { return nil, ErrNoAsync }

func runAsyncClient(ctx context.Context, cfg ClientConfig, rec *Recorder) error { return ErrNoAsync }
