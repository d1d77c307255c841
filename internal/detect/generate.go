package detect

//go:generate go run ./genfacts facts_gen.go
