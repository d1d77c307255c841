// Package cli owns the command line: flags, config discovery, wiring sources
// to the engine and reports, and the single mapping from errors to exit codes
// (0 clean, 1 leaks found, 2 usage/config/scan error, 130 interrupted). It is
// the only package that knows argv and the environment.
package cli
