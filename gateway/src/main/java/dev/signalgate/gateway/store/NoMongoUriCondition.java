package dev.signalgate.gateway.store;

import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/** Matches when no MongoDB was configured, so the embedded MongoDB-wire store should run in-process. */
final class NoMongoUriCondition implements Condition {

    @Override
    public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
        var env = context.getEnvironment();
        return !env.containsProperty("spring.mongodb.uri") && !env.containsProperty("spring.mongodb.host");
    }
}
