# Corral's base image: Debian bookworm with a non-root user, git, curl, CA certificates and socat
# (the egress forwarder). BASE defaults to debian:bookworm; Corral's tests and CI build from a
# locally imported image (corral-test/debian:bookworm) because no registry is reachable there.
ARG BASE=debian:bookworm
FROM ${BASE}
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      ca-certificates curl git socat procps less openssh-client xz-utils unzip \
 && rm -rf /var/lib/apt/lists/*
RUN (getent passwd 1000 >/dev/null || useradd --create-home --uid 1000 --user-group --shell /bin/bash corral) \
 && mkdir -p /run/corral
ENV LANG=C.UTF-8
CMD ["/bin/bash", "-l"]
