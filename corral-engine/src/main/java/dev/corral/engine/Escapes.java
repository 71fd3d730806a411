package dev.corral.engine;

/**
 * The escape-sequence parser behind {@link TerminalScreen}: a state machine over code points in the
 * spirit of the DEC/xterm parser (ground, escape, CSI, and strings that are consumed unread).
 */
final class Escapes {
  private enum State {
    GROUND,
    ESCAPE,
    CHARSET,
    CSI,
    STRING,
    STRING_ESCAPE
  }

  private static final int MAX_PARAMS = 16;

  private final TerminalScreen screen;
  private State state = State.GROUND;
  private final int[] params = new int[MAX_PARAMS];
  private int count;
  private boolean privateMarker;
  private boolean otherMarker;

  Escapes(TerminalScreen screen) {
    this.screen = screen;
  }

  void accept(int c) {
    switch (state) {
      case GROUND -> ground(c);
      case ESCAPE -> escape(c);
      case CHARSET -> state = State.GROUND;
      case CSI -> csi(c);
      case STRING -> {
        if (c == 0x07) {
          state = State.GROUND;
        } else if (c == 0x1b) {
          state = State.STRING_ESCAPE;
        }
      }
      case STRING_ESCAPE -> state = c == '\\' ? State.GROUND : State.STRING;
    }
  }

  private void ground(int c) {
    switch (c) {
      case 0x1b -> state = State.ESCAPE;
      case '\r' -> screen.carriageReturn();
      case '\n', 0x0b, 0x0c -> screen.lineFeed();
      case 0x08 -> screen.backspace();
      case '\t' -> screen.tab();
      case 0x9b -> startCsi();
      default -> {
        if (c >= 0x20 && c != 0x7f && (c < 0x80 || c >= 0xa0)) {
          screen.print(c);
        }
      }
    }
  }

  private void escape(int c) {
    state = State.GROUND;
    switch (c) {
      case '[' -> startCsi();
      case ']', 'P', '_', '^', 'X' -> state = State.STRING;
      case '(', ')', '*', '+', '#', '%', ' ' -> state = State.CHARSET;
      case '7' -> screen.saveCursor();
      case '8' -> screen.restoreCursor();
      case 'D' -> screen.lineFeed();
      case 'E' -> {
        screen.carriageReturn();
        screen.lineFeed();
      }
      case 'M' -> screen.reverseIndex();
      case 'c' -> screen.reset();
      case 0x1b -> state = State.ESCAPE;
      default -> {
        // ESC = / ESC > (keypad modes) and others change nothing on screen.
      }
    }
  }

  private void startCsi() {
    state = State.CSI;
    count = 0;
    params[0] = 0;
    privateMarker = false;
    otherMarker = false;
  }

  private void csi(int c) {
    if (c >= '0' && c <= '9') {
      if (count == 0) {
        count = 1;
      }
      if (count <= MAX_PARAMS) {
        params[count - 1] = Math.min(99_999, params[count - 1] * 10 + (c - '0'));
      }
    } else if (c == ';' || c == ':') {
      if (count == 0) {
        count = 1;
      }
      count++;
      if (count <= MAX_PARAMS) {
        params[count - 1] = 0;
      }
    } else if (c == '?') {
      privateMarker = true;
    } else if (c == '<' || c == '=' || c == '>' || (c >= 0x20 && c <= 0x2f)) {
      otherMarker = true;
    } else if (c >= 0x40 && c <= 0x7e) {
      state = State.GROUND;
      dispatch(c);
    } else if (c == 0x1b) {
      state = State.ESCAPE; // an aborted sequence
    } else if (c == 0x18 || c == 0x1a) {
      state = State.GROUND;
    }
  }

  /** Parameter {@code i}, or {@code fallback} when missing or zero. */
  private int arg(int i, int fallback) {
    int value = i < Math.min(count, MAX_PARAMS) ? params[i] : 0;
    return value == 0 ? fallback : value;
  }

  private void dispatch(int c) {
    if (otherMarker) {
      return; // xterm/kitty extensions (key modes, device attributes): nothing to draw
    }
    if (privateMarker) {
      if (c == 'h' || c == 'l') {
        modes(c == 'h');
      }
      return;
    }
    switch (c) {
      case 'A' -> screen.moveBy(-arg(0, 1), 0);
      case 'B', 'e' -> screen.moveBy(arg(0, 1), 0);
      case 'C', 'a' -> screen.moveBy(0, arg(0, 1));
      case 'D' -> screen.moveBy(0, -arg(0, 1));
      case 'E' -> {
        screen.moveBy(arg(0, 1), 0);
        screen.carriageReturn();
      }
      case 'F' -> {
        screen.moveBy(-arg(0, 1), 0);
        screen.carriageReturn();
      }
      case 'G', '`' -> screen.moveTo(screen.cursorRow(), arg(0, 1) - 1);
      case 'd' -> screen.moveTo(arg(0, 1) - 1, screen.cursorColumn());
      case 'H', 'f' -> screen.moveTo(arg(0, 1) - 1, arg(1, 1) - 1);
      case 'J' -> screen.eraseInDisplay(arg(0, 0));
      case 'K' -> screen.eraseInLine(arg(0, 0));
      case 'X' -> screen.eraseChars(arg(0, 1));
      case '@' -> screen.insertChars(arg(0, 1));
      case 'P' -> screen.deleteChars(arg(0, 1));
      case 'L' -> screen.insertLines(arg(0, 1));
      case 'M' -> screen.deleteLines(arg(0, 1));
      case 'S' -> screen.scrollUp(arg(0, 1));
      case 'T' -> screen.scrollDown(arg(0, 1));
      case 'r' -> screen.scrollRegion(arg(0, 1) - 1, arg(1, screen.rows()) - 1);
      case 's' -> screen.saveCursor();
      case 'u' -> screen.restoreCursor();
      default -> {
        // SGR (m), device status (n), tab stops and the rest draw nothing.
      }
    }
  }

  private void modes(boolean set) {
    for (int i = 0; i < Math.max(1, Math.min(count, MAX_PARAMS)); i++) {
      switch (params[i]) {
        case 1049 -> {
          if (set) {
            screen.saveCursor();
            screen.alternate(true, true);
          } else {
            screen.alternate(false, false);
            screen.restoreCursor();
          }
        }
        case 47, 1047 -> screen.alternate(set, params[i] == 1047);
        default -> {
          // Cursor visibility, mouse, bracketed paste, focus events: nothing to draw.
        }
      }
    }
  }
}
