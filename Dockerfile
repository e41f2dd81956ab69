# One image for every role of matstore (precompute job, serving node, tools); the command picks the role:
#   docker run matstore precompute run | serve | publish FILE | generate ...
# Build: docker build -t matstore .     (docker-compose.yml builds it for you)

FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY . .
RUN ./mvnw -B -ntp -DskipTests -pl launcher -am package

# A full JDK, not a JRE: Chronicle Map compiles code at run time (jdk.compiler).
FROM eclipse-temurin:17-jdk
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home /var/lib/matstore matstore && mkdir -p /var/lib/matstore && chown matstore /var/lib/matstore
WORKDIR /var/lib/matstore
COPY --from=build /src/launcher/target/lib/ /opt/matstore/lib/
# The same flags as the root pom's matstore.jvm.flags (Chronicle Map's exports/opens; analytics off).
ENV MATSTORE_JVM_FLAGS="--add-exports=java.base/sun.nio.ch=ALL-UNNAMED --add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED -Dchronicle.analytics.disable=true -Dchronicle.announcer.disable=true"
# Netty leak detection off in running nodes (it samples buffers with a stack trace on the request path); JAVA_OPTS
# may turn it back on.
ENV JAVA_OPTS="-Dio.netty.leakDetection.level=disabled"
USER matstore
ENTRYPOINT ["sh", "-c", "exec java $MATSTORE_JVM_FLAGS $JAVA_OPTS -cp '/opt/matstore/lib/*' io.matstore.launcher.MatstoreMain \"$@\"", "matstore"]
CMD ["--help"]
