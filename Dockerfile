# Build: a release binary with the Swift standard library linked statically.
FROM swift:6.3-bookworm AS build
WORKDIR /src
# The manifest names the test targets, so their folders must exist for SwiftPM to load it.
COPY Package.swift ./
COPY Tests ./Tests
RUN swift package resolve
COPY Sources ./Sources
RUN swift build -c release --static-swift-stdlib --product discreet \
 && install -D "$(swift build -c release --show-bin-path)/discreet" /out/discreet

# Run: a slim Debian with only what the binary and the health check need, as a non-root user.
# The packages are listed in docker/runtime-packages.txt, which scripts/check-runtime-root also
# installs into a debootstrapped root to start the service in CI: the two cannot drift.
# (libsqlite3-0: GRDB links the system SQLite; zlib1g: the gateway inflates gzip and deflate bodies
# with the system zlib, through CompressNIO; --static-swift-stdlib makes only Swift's own
# libraries static.)
FROM debian:bookworm-slim
COPY docker/runtime-packages.txt /tmp/runtime-packages.txt
# Unpinned on purpose: bookworm's archive drops superseded versions, so a pin breaks the build at
# the next security update; the base image tag fixes the release.
# hadolint ignore=DL3008
RUN apt-get update \
 && xargs -a /tmp/runtime-packages.txt apt-get install -y --no-install-recommends \
 && rm -rf /var/lib/apt/lists/* /tmp/runtime-packages.txt \
 && groupadd --system --gid 10001 discreet \
 && useradd --system --uid 10001 --gid 10001 --home-dir /data --shell /usr/sbin/nologin discreet \
 && install -d -o discreet -g discreet -m 0700 /data
COPY --from=build /out/discreet /usr/local/bin/discreet
USER 10001:10001
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
  CMD ["curl", "-fsS", "http://127.0.0.1:8080/health"]
ENTRYPOINT ["discreet"]
CMD ["serve", "--host", "0.0.0.0", "--data-dir", "/data", "--policy", "/etc/discreet/policy.yaml"]
