package dev.oauthfilter.internal.clients;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.oauthfilter.testing.TestConfigs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Hazelcast member that the JCache provider started for {@code oauth.shared-cache.uri} (a configuration file) is the
 * application's: it ends when the registry closes, as when the application stops. Left running, its threads keep the
 * stopped application in memory (seen on Open Liberty: 77 threads of two removed fleet applications, and their class
 * loaders).
 */
class SharedCacheMemberLifetimeTest {

    @TempDir
    Path folder;

    @Test
    void theMemberStartedFromTheConfiguredFileEndsWhenTheApplicationsClientsClose() throws Exception {
        Path file = folder.resolve("fleet-member.xml");
        Files.writeString(file, String.join("\n",
                "<hazelcast xmlns=\"http://www.hazelcast.com/schema/config\">",
                "  <cluster-name>member-lifetime-" + UUID.randomUUID() + "</cluster-name>",
                "  <properties>",
                "    <property name=\"hazelcast.phone.home.enabled\">false</property>",
                "    <property name=\"hazelcast.shutdownhook.enabled\">false</property>",
                "    <property name=\"hazelcast.logging.type\">jdk</property>",
                "    <property name=\"hazelcast.wait.seconds.before.join\">0</property>",
                "    <property name=\"hazelcast.max.wait.seconds.before.join\">0</property>",
                "  </properties>",
                "  <network>",
                "    <port auto-increment=\"true\" port-count=\"20\">5991</port>",
                "    <interfaces enabled=\"true\"><interface>127.0.0.1</interface></interfaces>",
                "    <join>",
                "      <auto-detection enabled=\"false\"/>",
                "      <multicast enabled=\"false\"/>",
                "      <tcp-ip enabled=\"true\"><member>127.0.0.1:5991</member></tcp-ip>",
                "    </join>",
                "  </network>",
                "</hazelcast>"), StandardCharsets.UTF_8);
        Set<HazelcastInstance> before = new HashSet<>(Hazelcast.getAllHazelcastInstances());

        ApplicationClients clients = ApplicationClients.of(TestConfigs.of(Map.of(
                "oauth.shared-cache.provider", "com.hazelcast.cache.HazelcastMemberCachingProvider",
                "oauth.shared-cache.uri", file.toUri().toString())));
        clients.registry();
        Set<HazelcastInstance> started = new HashSet<>(Hazelcast.getAllHazelcastInstances());
        started.removeAll(before);
        try {
            assertThat(started).as("the member the provider started for the file").hasSize(1);

            clients.close();

            assertThat(started).as("running after the application's clients closed")
                    .noneMatch(member -> member.getLifecycleService().isRunning());
        } finally {
            started.forEach(member -> member.getLifecycleService().terminate());
        }
    }
}
