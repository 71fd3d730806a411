# Node.js stack: Debian's nodejs and npm on top of Corral's base image.
ARG PARENT
FROM ${PARENT}
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nodejs npm \
 && rm -rf /var/lib/apt/lists/*
