package testclock_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/tango-sdk/tango-go"
	"github.com/tango-sdk/tango-go/internal/testclock"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// The fake must satisfy the SDK's interface.
var _ tango.Clock = (*testclock.Clock)(nil)

var epoch = time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)

func TestSleepRecordsAndAdvances(t *testing.T) {
	c := testclock.New(epoch)
	require.Equal(t, epoch, c.Now())

	require.NoError(t, c.Sleep(context.Background(), 2*time.Second))
	require.NoError(t, c.Sleep(context.Background(), 500*time.Millisecond))

	assert.Equal(t, []time.Duration{2 * time.Second, 500 * time.Millisecond}, c.Sleeps())
	assert.Equal(t, epoch.Add(2500*time.Millisecond), c.Now())

	c.Advance(time.Minute)
	assert.Equal(t, epoch.Add(time.Minute+2500*time.Millisecond), c.Now())
	c.Set(epoch)
	assert.Equal(t, epoch, c.Now())
	c.Reset()
	assert.Empty(t, c.Sleeps())
}

func TestSleepsReturnsACopy(t *testing.T) {
	c := testclock.New(epoch)
	require.NoError(t, c.Sleep(context.Background(), time.Second))
	got := c.Sleeps()
	got[0] = time.Hour
	assert.Equal(t, []time.Duration{time.Second}, c.Sleeps())
}

func TestSleepHonoursDoneContext(t *testing.T) {
	c := testclock.New(epoch)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := c.Sleep(ctx, time.Second)
	require.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, epoch, c.Now(), "a cancelled sleep must not move the clock")
	assert.Equal(t, []time.Duration{time.Second}, c.Sleeps(), "the request is still recorded")
}

func TestBlockingSleepEndsWithContext(t *testing.T) {
	c := testclock.New(epoch)
	c.SetBlocking(true)
	ctx, cancel := context.WithCancel(context.Background())
	var hooked time.Duration
	c.OnSleep(func(d time.Duration) { hooked = d; cancel() })

	done := make(chan error, 1)
	go func() { done <- c.Sleep(ctx, time.Hour) }()
	select {
	case err := <-done:
		require.ErrorIs(t, err, context.Canceled)
	case <-time.After(5 * time.Second):
		t.Fatal("blocking Sleep did not return when its context was cancelled")
	}
	assert.Equal(t, time.Hour, hooked)
	assert.Equal(t, epoch, c.Now())

	c.SetBlocking(false)
	c.OnSleep(nil)
	require.NoError(t, c.Sleep(context.Background(), time.Second))
	assert.Equal(t, epoch.Add(time.Second), c.Now())
}

func TestConcurrentUse(t *testing.T) {
	c := testclock.New(epoch)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 100 {
				_ = c.Sleep(context.Background(), time.Millisecond)
				_ = c.Now()
			}
		})
	}
	wg.Wait()
	assert.Len(t, c.Sleeps(), 800)
	assert.Equal(t, epoch.Add(800*time.Millisecond), c.Now())
}

func TestScaledRunsFasterAndKeepsOrder(t *testing.T) {
	c := testclock.NewScaled(epoch, 1000)
	start := c.Now()
	realStart := time.Now()
	require.NoError(t, c.Sleep(context.Background(), 2*time.Second))
	assert.GreaterOrEqual(t, c.Now().Sub(start), 2*time.Second, "the scaled time moved by at least the sleep")
	assert.Less(t, time.Since(realStart), time.Second, "a 2 s sleep at 1000x takes about 2 ms")

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	require.ErrorIs(t, c.Sleep(ctx, time.Hour), context.Canceled)
	assert.Equal(t, time.Millisecond, c.Real(time.Second))
}
