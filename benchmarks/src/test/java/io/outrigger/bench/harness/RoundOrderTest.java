package io.outrigger.bench.harness;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class RoundOrderTest {

    private static final List<SubjectKind> ALL = List.of(SubjectKind.values());

    @Test
    void everyRoundRunsEverySubjectOnce() {
        for (int round = 0; round < 10; round++) {
            assertThat(SideBySide.roundOrder(ALL, round)).containsExactlyInAnyOrderElementsOf(ALL);
        }
    }

    @Test
    void overAsManyRoundsAsSubjectsEachSubjectTakesEveryPositionOnce() {
        for (int position = 0; position < ALL.size(); position++) {
            Set<SubjectKind> seen = new HashSet<>();
            for (int round = 0; round < ALL.size(); round++) {
                seen.add(SideBySide.roundOrder(ALL, round).get(position));
            }
            assertThat(seen).as("position %d", position).containsExactlyInAnyOrderElementsOf(ALL);
        }
    }
}
