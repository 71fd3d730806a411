/**
 * The {@code docker} backend: sandboxes as hardened containers on a Docker engine (or Podman's
 * Docker-compatible API), with the OCI runtime {@code runc} or {@code runsc} (gVisor). docker-java
 * types never leave this package.
 */
@NullMarked
package dev.corral.dockerbackend;

import org.jspecify.annotations.NullMarked;
