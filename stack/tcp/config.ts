/**
 * TCP personalities. ESP32_TCP follows ESP-IDF 5.5's lwIP 2.1 configuration
 * (Kconfig defaults): TCP_MSS 1440, TCP_SND_BUF/TCP_WND 5760 (4 MSS),
 * TCP_MAXRTX 12, TCP_SYNMAXRTX 12, LWIP_TCP_RTO_TIME 1500 ms (3 slow ticks of
 * 500 ms), TCP_MSL 60 s, TCP_FIN_WAIT_TIMEOUT 20 s, TCP_SYN_RCVD_TIMEOUT 20 s
 * (tcp_priv.h), TCP_TMR_INTERVAL 250 ms
 * (delayed ACKs go out on the next fast tick), default listen backlog 2.
 *
 * A config with slowTickUs > 0 runs in "lwIP mode": timers fire on the tick
 * grid, the RTO uses lwIP's sa/sv estimator in ticks and its tcp_backoff
 * shift table (1,2,3,4,5,6,7,7,...), SYNs are retransmitted without backoff,
 * a connection is dropped on the first slow tick after its last allowed
 * retransmission, RSTs always carry ACK (tcp_rst), and the initial cwnd is
 * RFC 3390's. slowTickUs = 0 is "Linux mode": RFC 6298 in microseconds,
 * doubling backoff (also for SYNs), RFC 9293 RSTs, IW10.
 */
import type { TcpConfig } from './api';

export const ESP32_TCP: TcpConfig = {
  mss: 1440,
  sndBuf: 5760,
  rcvWnd: 5760,
  maxRtx: 12,
  synMaxRtx: 12,
  initialRtoUs: 1_500_000,
  minRtoUs: 500_000,
  maxRtoUs: 0x7fff * 500_000,
  msl: 60_000_000,
  finWait2TimeoutUs: 20_000_000,
  synRcvdTimeoutUs: 20_000_000,
  delayedAckUs: 250_000,
  slowTickUs: 500_000,
  keepIdleUs: 7_200_000_000,
  keepIntvlUs: 75_000_000,
  keepCnt: 9,
  defaultBacklog: 2,
  rstOnCloseWithUnread: true,
};

export const LINUX_TCP: TcpConfig = {
  mss: 1460,
  sndBuf: 65536,
  rcvWnd: 65535,
  maxRtx: 15, // tcp_retries2
  synMaxRtx: 6, // tcp_syn_retries
  initialRtoUs: 1_000_000,
  minRtoUs: 200_000,
  maxRtoUs: 120_000_000,
  msl: 30_000_000, // TIME-WAIT 60 s (TCP_TIMEWAIT_LEN)
  finWait2TimeoutUs: 60_000_000, // tcp_fin_timeout
  synRcvdTimeoutUs: 0, // Linux gives up after tcp_synack_retries instead
  delayedAckUs: 40_000,
  slowTickUs: 0,
  keepIdleUs: 7_200_000_000,
  keepIntvlUs: 75_000_000,
  keepCnt: 9,
  defaultBacklog: 128,
  rstOnCloseWithUnread: true,
};

/** lwIP's tcp_backoff: the RTO is shifted left by this for retransmission n. */
export const LWIP_BACKOFF = [1, 2, 3, 4, 5, 6, 7, 7, 7, 7, 7, 7, 7];
/** lwIP's tcp_persist_backoff, in slow ticks. */
export const LWIP_PERSIST_BACKOFF = [3, 6, 12, 24, 48, 96, 120];

export function lwipMode(cfg: TcpConfig): boolean {
  return cfg.slowTickUs > 0;
}

/** Initial congestion window: RFC 3390 in lwIP, IW10 on Linux. */
export function initialCwnd(cfg: TcpConfig, mss: number): number {
  return lwipMode(cfg) ? Math.min(4 * mss, Math.max(2 * mss, 4380)) : 10 * mss;
}
