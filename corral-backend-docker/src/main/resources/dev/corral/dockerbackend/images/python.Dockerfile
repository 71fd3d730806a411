# Python stack: Debian's python3 with pip and venv on top of Corral's base image.
ARG PARENT
FROM ${PARENT}
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      python3 python3-pip python3-venv \
 && rm -rf /var/lib/apt/lists/*
