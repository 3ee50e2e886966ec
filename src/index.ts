/** The sockets-course helper library: the lecture's socket steps as promises. */
export const VERSION = "0.1.0";
