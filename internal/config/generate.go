package config

//go:generate go run ./gendefaults defaults_gen.go
