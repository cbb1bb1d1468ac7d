/**
 * Cluster mode: several gateway nodes share rooms and presence through Redis. Switched on by
 * {@code spring.data.redis.url}; without it none of these beans exists and the node works alone.
 *
 * <ul>
 *   <li>{@link dev.signalgate.gateway.cluster.RedisRoomBroker}: room traffic, one pub/sub subscription per active
 *       room per node, sharded pub/sub on Redis 7 and later;</li>
 *   <li>{@link dev.signalgate.gateway.cluster.RedisPresence}: who is in which room and call on any node, with
 *       per-node liveness keys so that a dead node's users expire;</li>
 *   <li>{@link dev.signalgate.gateway.cluster.ClusterNode}: this node's id, its Redis connections, the heartbeat
 *       and what happens when Redis goes away and comes back.</li>
 * </ul>
 */
package dev.signalgate.gateway.cluster;
