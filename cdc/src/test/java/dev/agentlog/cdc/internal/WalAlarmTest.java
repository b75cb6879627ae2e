package dev.agentlog.cdc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentlog.cdc.internal.WalAlarm.Say;
import org.junit.jupiter.api.Test;

class WalAlarmTest {
    @Test
    void shouldWarnWhenTheThresholdIsCrossedAtEveryReportWhileOverAndSayOnceWhenBackUnder() {
        WalAlarm alarm = new WalAlarm(1_000);

        assertThat(alarm.measured(500)).isEqualTo(Say.NOTHING);
        assertThat(alarm.report()).isEqualTo(Say.INFO);
        assertThat(alarm.measured(1_500)).isEqualTo(Say.WARN);
        assertThat(alarm.measured(2_000)).as("still over: the reports say it").isEqualTo(Say.NOTHING);
        assertThat(alarm.report()).isEqualTo(Say.WARN);
        assertThat(alarm.report()).isEqualTo(Say.WARN);
        assertThat(alarm.measured(900)).isEqualTo(Say.BACK_UNDER);
        assertThat(alarm.measured(800)).isEqualTo(Say.NOTHING);
        assertThat(alarm.report()).isEqualTo(Say.INFO);
    }

    @Test
    void shouldNeverWarnWithoutAThreshold() {
        WalAlarm alarm = new WalAlarm(0);

        assertThat(alarm.measured(Long.MAX_VALUE)).isEqualTo(Say.NOTHING);
        assertThat(alarm.report()).isEqualTo(Say.INFO);
    }
}
