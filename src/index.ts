// Package entry: re-exports the public surface of the three parts.
export {};
