//go:build race

package e2e

// raceEnabled: the tests run with -race, so the server is built with it
// too (its packages come from the same build cache) and a data race in it
// fails the test.
const raceEnabled = true
