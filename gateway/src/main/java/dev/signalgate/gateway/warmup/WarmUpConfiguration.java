package dev.signalgate.gateway.warmup;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.signalgate.gateway.auth.SigningKeys;
import dev.signalgate.gateway.config.GatewayProperties;
import dev.signalgate.persistence.mongo.MongoMessageStore;
import dev.signalgate.persistence.mongo.MongoReadMarkStore;

/** The warm-up before readiness; on unless {@code gateway.warm-up.enabled=false}. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty(name = "gateway.warm-up.enabled", matchIfMissing = true)
class WarmUpConfiguration {

    @Bean
    WarmUp warmUp(GatewayProperties properties, SigningKeys keys, MongoMessageStore messages,
            MongoReadMarkStore readMarks) {
        return new WarmUp(properties.warmUp(), keys.minter(), messages, readMarks, WarmUpRooms.PREFIX);
    }
}
