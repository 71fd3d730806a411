package dev.corral.api;

/**
 * A text frame a controlling terminal client sends to resize the pseudo-terminal: {@code
 * {"type":"resize","columns":120,"rows":40}}. Binary frames are keyboard input.
 */
public record TerminalResize(String type, int columns, int rows) {}
