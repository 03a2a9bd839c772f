package main

import "strings"

// suggestCommand returns the command name closest to what was typed (at most two
// edits away, or one the typed words begin), or "" when none is close.
func suggestCommand(typed string) string {
	best, bestDist := "", 3
	for _, c := range commands() {
		if d := editDistance(typed, c.name); d < bestDist {
			best, bestDist = c.name, d
		}
	}
	if best == "" {
		for _, c := range commands() {
			if typed != "" && strings.HasPrefix(c.name, typed) {
				return c.name
			}
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// stripSDKPrefix drops the "tango: " the SDK's errors begin with, since the
// command prints its own.
func stripSDKPrefix(msg string) string {
	for strings.HasPrefix(msg, "tango: ") {
		msg = strings.TrimPrefix(msg, "tango: ")
	}
	return msg
}
