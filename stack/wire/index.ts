/** The wire formats: parse untrusted bytes into Reprs (or typed errors), emit Reprs into bytes. */
export * from './types';
export * from './checksum';
export * from './ethernet';
export * from './arp';
export * from './ipv4';
export * from './icmp';
export * from './udp';
export * from './dhcp';
export * from './dns';
export * from './summary';
export * from './tcp';
