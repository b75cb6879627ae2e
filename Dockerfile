# One image for every agentlog part: build the jar first (mvn package), then docker compose up.
FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 agentlog && mkdir -p /var/lib/agentlog && chown agentlog /var/lib/agentlog
COPY app/target/agentlog.jar /opt/agentlog/agentlog.jar
USER agentlog
WORKDIR /var/lib/agentlog
ENV AGENTLOG_DATA_DIR=/var/lib/agentlog
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/opt/agentlog/agentlog.jar"]
