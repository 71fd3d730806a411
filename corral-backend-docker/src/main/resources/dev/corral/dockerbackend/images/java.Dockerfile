# Java stack: Debian's OpenJDK 17 and Maven on top of Corral's base image.
ARG PARENT
FROM ${PARENT}
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends openjdk-17-jdk-headless maven \
 && rm -rf /var/lib/apt/lists/*
