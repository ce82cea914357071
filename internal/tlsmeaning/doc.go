// Package tlsmeaning says what an Ingress's spec.tls means to a controller,
// computed without diffengine's normalization, so that tests can hold
// diffengine (FuzzDiff: no TLS change means the same TLS) and yamledit
// (FuzzEditIngress: an accepted document means live's TLS) to it.
package tlsmeaning
