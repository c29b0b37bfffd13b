/**
 * The page ↔ server protocol of `esp32sim ui`: JSON messages over one
 * WebSocket. The page is a thin view: it renders what the server sends (`view`
 * messages, each a delta or, with `reset`, the whole state) and sends the
 * student's actions (`ClientMsg`). All simulation logic stays on the server.
 * Types only: the page's bundle imports this file for its types and nothing else.
 */

export type Speed = 1 | 10 | 'max';

/** What the run is doing now. */
export type RunStatus = 'idle' | 'running' | 'paused' | 'rebuilding' | 'ended' | 'error';

export interface LabChoice {
  id: string;
  name: string;
  description: string;
}

export interface LinkView {
  down: boolean;
  /** 0..1 */
  loss: number;
}

export interface PartView {
  id: string;
  type: string;
  pin: number;
  /** Buttons: held down now. */
  pressed?: boolean;
  /** Analog parts: volts now. */
  volts?: number;
  /** Sensors (DHT11/22, DS18B20): what they measure now (°C, %RH), when known. */
  temperature?: number;
  humidity?: number;
  /** NeoPixel strips: [r, g, b] per pixel. */
  pixels?: number[][];
}

export interface DeviceView {
  id: string;
  kind: 'esp32' | 'pc';
  ip: string;
  /** ESP32: the on-board LED (GPIO 2) level. */
  led?: number;
  /** Script state (ScriptState of the library API). */
  state: string;
  exitCode?: number;
  link: LinkView;
  parts: PartView[];
  /** The script's file name and source (for the editor); absent for a device without a script. */
  script?: { filename: string; language: string };
}

export interface HostView {
  name: string;
  ip: string;
  service: string;
}

export interface TopologyView {
  ssid: string;
  subnet: string;
  router: string;
  internet: HostView[];
}

export interface FrameRow {
  /** Index in the run's frame list (for decode requests). */
  n: number;
  t: number;
  src: string;
  dst: string;
  protocol: string;
  info: string;
  len: number;
  /** Devices the frame came from / went to (for the device filter). */
  devices: string[];
}

export interface DecodeField {
  name: string;
  value: string;
}

export interface DecodeLayer {
  name: string;
  summary: string;
  fields: DecodeField[];
  /** Byte range [start, end) of this layer (header and what it carries) in the frame. */
  start: number;
  end: number;
}

export interface TcpStateChange {
  t: number;
  state: string;
}

export interface TcpConnView {
  /** `device#pcb` */
  key: string;
  device: string;
  /** `pc:54321 → 192.168.2.231:10000`, once a segment showed the ports. */
  label: string;
  history: TcpStateChange[];
}

export interface StepView {
  index: number;
  label: string;
  line: number;
  status: 'pending' | 'running' | 'passed' | 'failed' | 'skipped';
  message?: string;
  t?: number;
}

export interface VerdictView {
  exitCode: number;
  reason: string;
}

export interface ViewMsg {
  type: 'view';
  /** Replace everything the page shows with this message (a new run, time travel, a new tab). */
  reset: boolean;
  status: RunStatus;
  speed: Speed;
  now: number;
  /** The furthest virtual time this timeline reached (the time slider's end). */
  maxUs: number;
  /** The scenario's virtual time budget. */
  timeoutUs: number;
  lab?: { name: string; file: string; description: string };
  topology?: TopologyView;
  devices?: DeviceView[];
  /** Console text printed since the last message (everything, on reset), per device. */
  consoles?: { device: string; text: string }[];
  frames?: FrameRow[];
  tcp?: TcpConnView[];
  steps?: StepView[];
  verdict?: VerdictView;
  /** Text shown above everything: scenario errors (file:line), an unknown lab. */
  problems?: string[];
  notices?: string[];
  /** A line about the state shown (after time travel: how it was re-simulated). */
  note?: string;
}

export interface DecodeMsg {
  type: 'decode';
  n: number;
  layers: DecodeLayer[];
  /** The frame's bytes as hex (two digits a byte, no separators). */
  hex: string;
}

/** No scenario is open: the labs to pick from, and why the one asked for did not open. */
export interface LabsMsg {
  type: 'labs';
  labs: LabChoice[];
  problems?: string[];
}

export interface ErrorMsg {
  type: 'error';
  text: string;
}

export type ServerMsg = ViewMsg | DecodeMsg | LabsMsg | ErrorMsg | ScriptMsg;

export type ClientMsg =
  | { type: 'run' }
  | { type: 'pause' }
  | { type: 'step' }
  | { type: 'restart' }
  | { type: 'speed'; speed: Speed }
  | { type: 'travel'; us: number }
  | { type: 'stdin'; device: string; line: string }
  | { type: 'interrupt'; device: string }
  | { type: 'button'; device: string; part: string; down: boolean }
  | { type: 'analog'; device: string; part: string; volts: number }
  | { type: 'sensor'; device: string; part: string; temperature?: number; humidity?: number }
  | { type: 'link'; device: string; loss: number; down: boolean }
  | { type: 'script'; device: string; source: string }
  | { type: 'get-script'; device: string }
  | { type: 'decode'; n: number }
  | { type: 'open'; lab: string };

export interface ScriptMsg {
  type: 'script';
  device: string;
  filename: string;
  source: string;
}

/** Paths the server answers besides the page and its assets. */
export const DOWNLOADS = { pcap: '/download/capture.pcap', trace: '/download/trace.jsonl', junit: '/download/junit.xml' } as const;
