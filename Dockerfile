# golive's own image: the CLI, for CI systems that run containers (`docker run … check /src`)
# and for the distributed load generators of docs/distributed-load.md.
#
#   docker build -t golive .
#   docker run --rm -v "$PWD:/src:ro" golive check /src --format sarif > golive.sarif
#
# Build stage: the toolchain golive is developed with (pin a digest with
# `docker buildx imagetools inspect rust:1.95-slim-bookworm` if your policy requires one).
FROM rust:1.95-slim-bookworm AS build
WORKDIR /build
COPY Cargo.toml Cargo.lock ./
COPY crates ./crates
RUN cargo build --release --locked -p golive \
    && install -m 0755 target/release/golive /golive

# Runtime: glibc and nothing else (no shell, no package manager), as an unprivileged user.
# golive-ignore: docker.healthcheck -- a one-shot command-line tool: no port and no long-running process for a HEALTHCHECK to watch
FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /golive /usr/local/bin/golive
USER 65532:65532
WORKDIR /src
ENTRYPOINT ["/usr/local/bin/golive"]
CMD ["check", "/src"]
