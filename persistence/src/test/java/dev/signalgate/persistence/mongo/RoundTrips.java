package dev.signalgate.persistence.mongo;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;

/** The commands a client sent, by name, as the driver reports them: what a round-trip count is made of. */
final class RoundTrips implements CommandListener {

    private final List<String> commands = new CopyOnWriteArrayList<>();

    @Override
    public void commandStarted(CommandStartedEvent event) {
        commands.add(event.getCommandName());
    }

    void reset() {
        commands.clear();
    }

    long count(String commandName) {
        return commands.stream().filter(commandName::equals).count();
    }

    int total() {
        return commands.size();
    }

    List<String> commands() {
        return List.copyOf(commands);
    }
}
