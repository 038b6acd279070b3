package io.outrigger.lb;

import java.util.List;

/** All localities at one priority (0 is the highest). */
public record PriorityLevel(List<LocalityHosts> localities) {
    public PriorityLevel {
        localities = List.copyOf(localities);
    }
}
