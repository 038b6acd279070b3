package io.outrigger.lb;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * Envoy's priority load, checked against the tables of Envoy's "Priority levels" and "Panic
 * threshold" and "Degraded endpoints" documentation (overprovisioning factor 1.4). Percentages of
 * healthy hosts are expressed over 100 hosts per priority.
 */
class PriorityLoadTest {

    private static PriorityLoad healthyPercent(int... healthy) {
        long[] total = new long[healthy.length];
        long[] h = new long[healthy.length];
        for (int i = 0; i < healthy.length; i++) {
            total[i] = 100;
            h[i] = healthy[i];
        }
        // The priority tables of Envoy's docs leave panic aside (it has its own section): threshold 0.
        return PriorityLoad.compute(total, h, new long[healthy.length], 140, 0);
    }

    private static PriorityLoad withPanicAt50(int... healthy) {
        long[] total = new long[healthy.length];
        long[] h = new long[healthy.length];
        for (int i = 0; i < healthy.length; i++) {
            total[i] = 100;
            h[i] = healthy[i];
        }
        return PriorityLoad.compute(total, h, new long[healthy.length], 140, 50);
    }

    @ParameterizedTest(name = "P0 {0}% healthy, P1 100% -> {1}/{2}")
    @CsvSource({"100,100,0", "72,100,0", "71,99,1", "50,70,30", "25,35,65", "0,0,100"})
    void twoPrioritiesSplitAsEnvoyDocumentsWhenP1IsFullyHealthy(int p0Healthy, int p0Load, int p1Load) {
        PriorityLoad load = healthyPercent(p0Healthy, 100);
        assertThat(load.healthyLoad()).containsExactly(p0Load, p1Load);
    }

    @ParameterizedTest(name = "P0 {0}%, P1 {1}% -> {2}/{3}")
    @CsvSource({"100,100,100,0", "72,72,100,0", "71,71,99,1", "50,50,70,30", "25,100,35,65", "25,25,50,50"})
    void twoPrioritiesNormalizeWhenTotalHealthIsBelow100(int p0, int p1, int l0, int l1) {
        assertThat(healthyPercent(p0, p1).healthyLoad()).containsExactly(l0, l1);
    }

    @ParameterizedTest(name = "{0}/{1}/{2} -> {3}/{4}/{5}")
    @CsvSource({"100,100,100,100,0,0", "72,72,100,100,0,0", "71,71,100,99,1,0", "50,50,100,70,30,0",
            "25,100,100,35,65,0", "25,25,100,35,35,30"})
    void threePrioritiesSplitAsEnvoyDocuments(int p0, int p1, int p2, int l0, int l1, int l2) {
        assertThat(healthyPercent(p0, p1, p2).healthyLoad()).containsExactly(l0, l1, l2);
    }

    @Test
    void threeDegradedPrioritiesAreNormalizedAndSumTo100() {
        // Envoy's table shows 36/36/28 for 25%/25%/20% healthy; its integer code gives health
        // 35/35/28, normalized by 98, with the rounding remainder on P0. Within 1 point of the table.
        int[] load = healthyPercent(25, 25, 20).healthyLoad();
        assertThat(load[0]).isBetween(35, 37);
        assertThat(load[1]).isBetween(35, 36);
        assertThat(load[2]).isEqualTo(28);
        assertThat(load[0] + load[1] + load[2]).isEqualTo(100);
    }

    @Test
    void healthScoreIsOverprovisionedAndCapped() {
        PriorityLoad load = healthyPercent(80, 50);
        // 80% x 1.4 = 112 -> capped at 100; 50% x 1.4 = 70.
        assertThat(load.health()).containsExactly(100, 70);
    }

    @ParameterizedTest(name = "P0 {0}% healthy, P1 {1}% -> P0 panic {2}, P1 panic {3}")
    @CsvSource({"100,100,false,false", "50,100,false,false", "49,100,true,false", "49,49,true,true"})
    void priorityBelowHalfHealthyIsInPanic(int p0, int p1, boolean panic0, boolean panic1) {
        assertThat(withPanicAt50(p0, p1).panic()).containsExactly(panic0, panic1);
    }

    @Test
    void whenEveryPriorityIsInPanicLoadIsSplitByHostCount() {
        // Envoy's recalculateLoadInTotalPanic: 10 hosts at P0, 30 at P1, all in panic -> 25/75.
        PriorityLoad load = PriorityLoad.compute(new long[] {10, 30}, new long[] {1, 3}, new long[2], 140, 50);
        assertThat(load.panic()).containsExactly(true, true);
        assertThat(load.healthyLoad()).containsExactly(25, 75);
    }

    @Test
    void panicThresholdZeroDisablesPanicAndSendsAllToP0WhenNothingIsAvailable() {
        PriorityLoad load = PriorityLoad.compute(new long[] {4, 4}, new long[2], new long[2], 140, 0);
        assertThat(load.panic()).containsExactly(false, false);
        assertThat(load.healthyLoad()).containsExactly(100, 0);
    }

    @ParameterizedTest(name = "P0 {0}% healthy / {1}% degraded -> {2}% healthy, {3}% degraded")
    @CsvSource({"100,0,100,0", "71,0,100,0", "71,29,99,1", "25,65,35,65", "5,0,100,0"})
    void degradedHostsTakeLoadOnlyWhenHealthyOnesDoNotSufficeAsEnvoyDocuments(int healthy, int degraded,
                                                                          int healthyLoad, int degradedLoad) {
        // Envoy "Degraded endpoints" table (100 hosts; the rest unhealthy). 5% healthy is panic:
        // Envoy then sends everything to P0's hosts, all of them.
        PriorityLoad load = PriorityLoad.compute(new long[] {100}, new long[] {healthy}, new long[] {degraded}, 140, 50);
        assertThat(load.healthyLoad()).containsExactly(healthyLoad);
        assertThat(load.degradedLoad()).containsExactly(degradedLoad);
    }

    @Test
    void healthyLowerPriorityIsPreferredOverDegradedHigherPriority() {
        // Healthy load is distributed across all priorities before any degraded load.
        PriorityLoad load = PriorityLoad.compute(new long[] {100, 100}, new long[] {50, 100},
                new long[] {50, 0}, 140, 50);
        assertThat(load.healthyLoad()).containsExactly(70, 30);
        assertThat(load.degradedLoad()).containsExactly(0, 0);
    }
}
