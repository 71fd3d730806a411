package dev.corral.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * A line diff of two small texts (longest common subsequence): unchanged lines start with two
 * spaces, removed lines with {@code "- "}, added lines with {@code "+ "}.
 */
final class LineDiff {
  private LineDiff() {}

  static List<String> of(String before, String after) {
    List<String> a = before.lines().toList();
    List<String> b = after.lines().toList();
    int[][] common = new int[a.size() + 1][b.size() + 1];
    for (int i = a.size() - 1; i >= 0; i--) {
      for (int j = b.size() - 1; j >= 0; j--) {
        common[i][j] =
            a.get(i).equals(b.get(j))
                ? common[i + 1][j + 1] + 1
                : Math.max(common[i + 1][j], common[i][j + 1]);
      }
    }
    List<String> diff = new ArrayList<>();
    int i = 0;
    int j = 0;
    while (i < a.size() || j < b.size()) {
      if (i < a.size() && j < b.size() && a.get(i).equals(b.get(j))) {
        diff.add("  " + a.get(i++));
        j++;
      } else if (i < a.size() && (j == b.size() || common[i + 1][j] >= common[i][j + 1])) {
        diff.add("- " + a.get(i++));
      } else {
        diff.add("+ " + b.get(j++));
      }
    }
    return diff;
  }
}
