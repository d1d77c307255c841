// Package testnet owns loopback servers that misbehave the way networks
// do, for tests of timeouts and circuit breakers: nothing here is used
// outside tests, and nothing listens beyond 127.0.0.1.
package testnet

import (
	"net"
	"sync"
)

// BlackHole listens on loopback, accepts every connection and never
// answers, like a dropped route. It returns the server's http:// URL and a
// function that closes the listener and every accepted connection.
func BlackHole() (url string, stop func(), err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	stop = func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	}
	return "http://" + ln.Addr().String(), stop, nil
}
