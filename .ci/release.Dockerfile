# Image of leakhound releases, built by GoReleaser (.goreleaser.yaml,
# dockers_v2), which puts each platform's binary at $TARGETPLATFORM/leakhound.
FROM alpine:3.22
ARG TARGETPLATFORM
RUN apk add --no-cache git ca-certificates \
 # The repository is mounted from the host; when the container's user is not
 # the mount's owner (Docker Desktop, rootless engines, pre-commit's uid
 # mapping), git would refuse to read it. leakhound only reads it.
 && git config --system --add safe.directory '*'
COPY $TARGETPLATFORM/leakhound /usr/local/bin/leakhound
WORKDIR /src
ENTRYPOINT ["/usr/local/bin/leakhound"]
