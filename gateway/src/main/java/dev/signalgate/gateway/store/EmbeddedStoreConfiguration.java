package dev.signalgate.gateway.store;

import com.mongodb.ConnectionString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.mongodb.autoconfigure.MongoConnectionDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

import dev.signalgate.gateway.config.GatewayProperties;
import dev.signalgate.persistence.embedded.EmbeddedMongo;

/**
 * The embedded default: with no {@code SPRING_MONGODB_URI}, a MongoDB-wire server runs in this process on a
 * loopback port with its H2 file backend under {@code GATEWAY_DATA_DIR}, and the real reactive driver talks to
 * it like to any MongoDB. Messages survive restarts; nothing needs installing.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(NoMongoUriCondition.class)
class EmbeddedStoreConfiguration {

    static final String DATABASE = "signalgate";
    private static final Logger log = LoggerFactory.getLogger(EmbeddedStoreConfiguration.class);

    @Bean(destroyMethod = "stop")
    EmbeddedMongo embeddedMongo(GatewayProperties properties) {
        EmbeddedMongo mongo = EmbeddedMongo.file(properties.dataDir()).start("127.0.0.1", 0);
        log.info("embedded store: {} (set SPRING_MONGODB_URI to use a MongoDB server instead)", mongo);
        return mongo;
    }

    @Bean
    MongoConnectionDetails embeddedMongoConnectionDetails(EmbeddedMongo mongo) {
        ConnectionString connection = new ConnectionString(mongo.connectionString(DATABASE));
        return () -> connection;
    }
}
