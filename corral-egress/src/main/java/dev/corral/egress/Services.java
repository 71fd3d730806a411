package dev.corral.egress;

/** What every connection of every listener shares: dialing, auditing and settings. */
record Services(Dialer dialer, AuditTrail trail, GatewaySettings settings) {}
