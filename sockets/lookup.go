package sockets

import (
	"context"
	"net"
	"net/netip"
	"strings"
	"time"
)

// HostInfo is what a host lookup found: the canonical name and the addresses.
type HostInfo struct {
	Name  string
	Addrs []netip.Addr
}

// lookupTimeout bounds a host lookup (Ctrl-C stops it sooner).
const lookupTimeout = 10 * time.Second

// LookupHost resolves a name to its addresses, or an IP address to its name, as Wolfram's
// HostLookup does; a NoHost error when nothing is found.
func LookupHost(caller context.Context, host string) (HostInfo, error) {
	ctx, cancel := context.WithTimeout(caller, lookupTimeout)
	defer cancel()
	r := net.DefaultResolver
	if ip, err := netip.ParseAddr(host); err == nil {
		names, err := r.LookupAddr(ctx, ip.String())
		if err != nil || len(names) == 0 {
			return HostInfo{}, lookupError(caller, host, err)
		}
		return HostInfo{Name: strings.TrimSuffix(names[0], "."), Addrs: []netip.Addr{ip.Unmap()}}, nil
	}
	addrs, err := r.LookupNetIP(ctx, "ip", host)
	if err != nil || len(addrs) == 0 {
		return HostInfo{}, lookupError(caller, host, err)
	}
	name := host
	if cname, err := r.LookupCNAME(ctx, host); err == nil && cname != "" {
		name = strings.TrimSuffix(cname, ".")
	}
	for i, a := range addrs {
		addrs[i] = a.Unmap()
	}
	return HostInfo{Name: name, Addrs: addrs}, nil
}
