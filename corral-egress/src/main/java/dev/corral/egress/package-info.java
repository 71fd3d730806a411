/**
 * The egress gateway: the only way out of a sandbox. A Netty server with one listener per sandbox
 * (HTTP forward proxy, CONNECT, SOCKS5) that resolves names itself, pins and vets the address, and
 * applies the sandbox's egress policy; plus the policy engine and the audit log.
 */
@NullMarked
package dev.corral.egress;

import org.jspecify.annotations.NullMarked;
