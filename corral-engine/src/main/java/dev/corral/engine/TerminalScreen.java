package dev.corral.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The screen a PTY byte stream draws, kept on the server so that an approval can show what the
 * agent shows: a compact VT100/xterm subset. Handles UTF-8 (split anywhere between writes), CR, LF,
 * BS, TAB, cursor movement and positioning, erase in line and display, insert and delete of lines
 * and characters, scroll regions and scrolling, save and restore of the cursor, autowrap, and the
 * alternate screen (modes 47, 1047, 1049). Colours and other attributes, OSC titles, DCS strings
 * and unknown sequences are consumed and ignored. Wide (East Asian, emoji) characters take two
 * cells.
 *
 * <p>Not thread-safe: one writer feeds it, and readers call {@link #text()} on the same thread or
 * under the caller's lock.
 */
public final class TerminalScreen {
  private int rows;
  private int cols;
  private final Utf8 utf8 = new Utf8();
  private final Escapes escapes = new Escapes(this);
  private int[][] primary;
  private int[][] alternate;
  private int[][] cells;
  private boolean onAlternate;
  private int row;
  private int col;
  private boolean wrapPending;
  private int top;
  private int bottom;
  private int savedRow;
  private int savedCol;

  /** A blank screen of {@code rows} by {@code cols} cells (at least 2 by 2), cursor at home. */
  public TerminalScreen(int rows, int cols) {
    if (rows < 2 || cols < 2) {
      throw new IllegalArgumentException(
          "a terminal needs at least 2x2 cells, not " + rows + "x" + cols);
    }
    this.rows = rows;
    this.cols = cols;
    this.primary = blank(rows, cols);
    this.alternate = blank(rows, cols);
    this.cells = primary;
    this.bottom = rows - 1;
  }

  /**
   * Resizes the screen like a terminal window does: the text keeps its place at the top left, and
   * when rows are taken away the top rows scroll off so the cursor's row stays on screen. The
   * scroll region becomes the whole screen and the cursor is kept inside.
   */
  public void resize(int newRows, int newCols) {
    if (newRows < 2 || newCols < 2) {
      throw new IllegalArgumentException(
          "a terminal needs at least 2x2 cells, not " + newRows + "x" + newCols);
    }
    int shift = Math.max(0, row - (newRows - 1));
    primary = copy(primary, newRows, newCols, shift);
    alternate = copy(alternate, newRows, newCols, shift);
    cells = onAlternate ? alternate : primary;
    rows = newRows;
    cols = newCols;
    row -= shift;
    col = Math.min(col, cols - 1);
    savedRow = clamp(savedRow - shift, 0, rows - 1);
    savedCol = Math.min(savedCol, cols - 1);
    wrapPending = false;
    top = 0;
    bottom = rows - 1;
  }

  private static int[][] copy(int[][] grid, int rows, int cols, int shift) {
    int[][] copy = blank(rows, cols);
    for (int r = 0; r < rows && r + shift < grid.length; r++) {
      int[] from = grid[r + shift];
      int n = Math.min(cols, from.length);
      System.arraycopy(from, 0, copy[r], 0, n);
      if (from.length > cols && copy[r][n - 1] != WIDE_TAIL && Widths.of(copy[r][n - 1]) == 2) {
        copy[r][n - 1] = ' '; // a wide character cut in half by the new edge
      }
    }
    return copy;
  }

  /** Feeds bytes the program wrote to the terminal. */
  public void write(byte[] bytes, int offset, int length) {
    for (int i = offset; i < offset + length; i++) {
      utf8.next(bytes[i] & 0xff, escapes);
    }
  }

  /** Feeds all of {@code bytes}. */
  public void write(byte[] bytes) {
    write(bytes, 0, bytes.length);
  }

  /** The screen as text: one line per row, trailing blanks and trailing empty rows removed. */
  public String text() {
    List<String> lines = lines();
    int last = lines.size();
    while (last > 0 && lines.get(last - 1).isEmpty()) {
      last--;
    }
    return String.join("\n", lines.subList(0, last));
  }

  /** Every row, trailing blanks removed. */
  public List<String> lines() {
    List<String> lines = new ArrayList<>(rows);
    for (int r = 0; r < rows; r++) {
      lines.add(line(r));
    }
    return lines;
  }

  /** Row {@code r} (0-based), trailing blanks removed. */
  public String line(int r) {
    StringBuilder text = new StringBuilder(cols);
    for (int c = 0; c < cols; c++) {
      int cell = cells[r][c];
      if (cell != WIDE_TAIL) {
        text.appendCodePoint(cell);
      }
    }
    return text.toString().stripTrailing();
  }

  /** The cursor's row, 0-based. */
  public int cursorRow() {
    return row;
  }

  /** The cursor's column, 0-based. */
  public int cursorColumn() {
    return col;
  }

  public int rows() {
    return rows;
  }

  public int columns() {
    return cols;
  }

  /** Whether the program switched to the alternate screen (full-screen programs do). */
  public boolean alternateScreen() {
    return onAlternate;
  }

  // --- drawing, called by Escapes ---

  static final int WIDE_TAIL = -1;

  void print(int codePoint) {
    int width = Widths.of(codePoint);
    if (width == 0) {
      return; // combining marks and zero-width characters: not rendered
    }
    if (wrapPending || col + width > cols) {
      col = 0;
      lineFeed();
    }
    wrapPending = false;
    cells[row][col] = codePoint;
    if (width == 2) {
      cells[row][col + 1] = WIDE_TAIL;
    }
    col += width;
    if (col >= cols) {
      col = cols - 1;
      wrapPending = true;
    }
  }

  void carriageReturn() {
    col = 0;
    wrapPending = false;
  }

  void lineFeed() {
    wrapPending = false;
    if (row == bottom) {
      scrollUp(1);
    } else if (row < rows - 1) {
      row++;
    }
  }

  void reverseIndex() {
    wrapPending = false;
    if (row == top) {
      scrollDown(1);
    } else if (row > 0) {
      row--;
    }
  }

  void backspace() {
    wrapPending = false;
    col = Math.max(0, col - 1);
  }

  void tab() {
    col = Math.min(cols - 1, (col / 8 + 1) * 8);
  }

  void moveTo(int r, int c) {
    wrapPending = false;
    row = clamp(r, 0, rows - 1);
    col = clamp(c, 0, cols - 1);
  }

  void moveBy(int dr, int dc) {
    int r = row + dr;
    // Relative moves stop at the scroll region's margins when they start inside it.
    if (row >= top && row <= bottom) {
      r = clamp(r, top, bottom);
    }
    moveTo(r, col + dc);
  }

  void eraseInLine(int mode) {
    switch (mode) {
      case 0 -> fill(row, col, cols);
      case 1 -> fill(row, 0, col + 1);
      default -> fill(row, 0, cols);
    }
  }

  void eraseInDisplay(int mode) {
    switch (mode) {
      case 0 -> {
        fill(row, col, cols);
        for (int r = row + 1; r < rows; r++) {
          fill(r, 0, cols);
        }
      }
      case 1 -> {
        for (int r = 0; r < row; r++) {
          fill(r, 0, cols);
        }
        fill(row, 0, col + 1);
      }
      default -> {
        for (int r = 0; r < rows; r++) {
          fill(r, 0, cols);
        }
      }
    }
  }

  void eraseChars(int n) {
    fill(row, col, Math.min(cols, col + n));
  }

  void insertChars(int n) {
    int[] line = cells[row];
    int count = Math.min(n, cols - col);
    System.arraycopy(line, col, line, col + count, cols - col - count);
    Arrays.fill(line, col, col + count, ' ');
  }

  void deleteChars(int n) {
    int[] line = cells[row];
    int count = Math.min(n, cols - col);
    System.arraycopy(line, col + count, line, col, cols - col - count);
    Arrays.fill(line, cols - count, cols, ' ');
  }

  void insertLines(int n) {
    if (row >= top && row <= bottom) {
      shift(row, bottom, -Math.min(n, bottom - row + 1));
    }
  }

  void deleteLines(int n) {
    if (row >= top && row <= bottom) {
      shift(row, bottom, Math.min(n, bottom - row + 1));
    }
  }

  void scrollUp(int n) {
    shift(top, bottom, Math.min(n, bottom - top + 1));
  }

  void scrollDown(int n) {
    shift(top, bottom, -Math.min(n, bottom - top + 1));
  }

  void scrollRegion(int first, int last) {
    int t = clamp(first, 0, rows - 1);
    int b = clamp(last, 0, rows - 1);
    if (t < b) {
      top = t;
      bottom = b;
      moveTo(0, 0);
    }
  }

  void saveCursor() {
    savedRow = row;
    savedCol = col;
  }

  void restoreCursor() {
    moveTo(savedRow, savedCol);
  }

  void alternate(boolean on, boolean clear) {
    if (on == onAlternate) {
      return;
    }
    onAlternate = on;
    cells = on ? alternate : primary;
    if (on && clear) {
      alternate = blank(rows, cols);
      cells = alternate;
    }
  }

  void reset() {
    primary = blank(rows, cols);
    alternate = blank(rows, cols);
    cells = primary;
    onAlternate = false;
    top = 0;
    bottom = rows - 1;
    moveTo(0, 0);
  }

  /** Moves rows {@code from..to} up by {@code n} (down when negative), blanking what opens up. */
  private void shift(int from, int to, int n) {
    if (n > 0) {
      for (int r = from; r <= to; r++) {
        cells[r] = r + n <= to ? cells[r + n] : blankRow(cols);
      }
    } else if (n < 0) {
      for (int r = to; r >= from; r--) {
        cells[r] = r + n >= from ? cells[r + n] : blankRow(cols);
      }
    }
  }

  private void fill(int r, int from, int to) {
    Arrays.fill(cells[r], Math.max(0, from), Math.min(cols, to), ' ');
  }

  private static int[][] blank(int rows, int cols) {
    int[][] grid = new int[rows][];
    for (int r = 0; r < rows; r++) {
      grid[r] = blankRow(cols);
    }
    return grid;
  }

  private static int[] blankRow(int cols) {
    int[] line = new int[cols];
    Arrays.fill(line, ' ');
    return line;
  }

  private static int clamp(int value, int min, int max) {
    return Math.max(min, Math.min(max, value));
  }

  /** A streaming UTF-8 decoder: malformed input becomes U+FFFD, never an exception. */
  private static final class Utf8 {
    private int codePoint;
    private int remaining;

    /** Decodes {@code b}, handing every completed code point to {@code to}. */
    void next(int b, Escapes to) {
      if (remaining > 0) {
        if ((b & 0xc0) == 0x80) {
          codePoint = (codePoint << 6) | (b & 0x3f);
          if (--remaining == 0) {
            to.accept(codePoint);
          }
          return;
        }
        remaining = 0;
        to.accept(0xfffd); // a truncated sequence; the byte starts afresh
      }
      if (b < 0x80) {
        to.accept(b);
      } else if ((b & 0xe0) == 0xc0) {
        codePoint = b & 0x1f;
        remaining = 1;
      } else if ((b & 0xf0) == 0xe0) {
        codePoint = b & 0x0f;
        remaining = 2;
      } else if ((b & 0xf8) == 0xf0) {
        codePoint = b & 0x07;
        remaining = 3;
      } else {
        to.accept(0xfffd);
      }
    }
  }
}
