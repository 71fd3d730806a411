# Go stack: Debian's Go toolchain on top of Corral's base image.
ARG PARENT
FROM ${PARENT}
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends golang-go build-essential \
 && rm -rf /var/lib/apt/lists/*
