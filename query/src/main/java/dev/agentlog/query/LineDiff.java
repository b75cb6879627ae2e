package dev.agentlog.query;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A unified diff of two texts, line by line ({@code diff -u}'s format: {@code ---}/{@code +++} headers,
 * {@code @@ -a,b +c,d @@} hunks with {@value #CONTEXT} lines of context), from a longest common subsequence.
 * Made for memory blocks (a few kB); two texts whose line counts multiply past {@value #MAX_CELLS} are shown
 * as all lines removed and all added rather than spending quadratic time. Pure, thread-safe.
 */
public final class LineDiff {
    static final int CONTEXT = 3;
    static final long MAX_CELLS = 4_000_000;

    private enum Kind { SAME, REMOVED, ADDED }

    private record Op(Kind kind, String line) {}

    private LineDiff() {}

    /** The diff, or an empty string when the texts are equal. A null text counts as empty. */
    public static String unified(String oldText, String newText, String oldName, String newName) {
        List<String> a = lines(oldText);
        List<String> b = lines(newText);
        List<Op> ops = (long) a.size() * b.size() > MAX_CELLS ? replaceAll(a, b) : script(a, b);
        List<int[]> hunks = hunks(ops);
        if (hunks.isEmpty()) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        out.append("--- ").append(oldName).append('\n').append("+++ ").append(newName).append('\n');
        int[] oldBefore = new int[ops.size() + 1];
        int[] newBefore = new int[ops.size() + 1];
        for (int i = 0; i < ops.size(); i++) {
            Kind kind = ops.get(i).kind();
            oldBefore[i + 1] = oldBefore[i] + (kind == Kind.ADDED ? 0 : 1);
            newBefore[i + 1] = newBefore[i] + (kind == Kind.REMOVED ? 0 : 1);
        }
        for (int[] hunk : hunks) {
            int from = hunk[0];
            int to = hunk[1];
            int oldCount = oldBefore[to] - oldBefore[from];
            int newCount = newBefore[to] - newBefore[from];
            out.append("@@ -").append(range(oldBefore[from], oldCount)).append(" +").append(range(newBefore[from], newCount))
                    .append(" @@\n");
            for (int i = from; i < to; i++) {
                Op op = ops.get(i);
                out.append(op.kind() == Kind.SAME ? ' ' : op.kind() == Kind.REMOVED ? '-' : '+').append(op.line())
                        .append('\n');
            }
        }
        return out.toString();
    }

    private static String range(int before, int count) {
        int start = count == 0 ? before : before + 1;
        return count == 1 ? Integer.toString(start) : start + "," + count;
    }

    private static List<String> lines(String text) {
        if (text == null || text.isEmpty()) {
            return List.of();
        }
        return Arrays.asList(text.split("\n", -1));
    }

    private static List<Op> script(List<String> a, List<String> b) {
        int n = a.size();
        int m = b.size();
        int[][] lcs = new int[n + 1][m + 1];
        for (int i = n - 1; i >= 0; i--) {
            for (int j = m - 1; j >= 0; j--) {
                lcs[i][j] = a.get(i).equals(b.get(j)) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        List<Op> ops = new ArrayList<>(n + m);
        int i = 0;
        int j = 0;
        while (i < n && j < m) {
            if (a.get(i).equals(b.get(j))) {
                ops.add(new Op(Kind.SAME, a.get(i++)));
                j++;
            } else if (lcs[i + 1][j] >= lcs[i][j + 1]) {
                ops.add(new Op(Kind.REMOVED, a.get(i++)));
            } else {
                ops.add(new Op(Kind.ADDED, b.get(j++)));
            }
        }
        while (i < n) {
            ops.add(new Op(Kind.REMOVED, a.get(i++)));
        }
        while (j < m) {
            ops.add(new Op(Kind.ADDED, b.get(j++)));
        }
        return ops;
    }

    private static List<Op> replaceAll(List<String> a, List<String> b) {
        List<Op> ops = new ArrayList<>(a.size() + b.size());
        a.forEach(line -> ops.add(new Op(Kind.REMOVED, line)));
        b.forEach(line -> ops.add(new Op(Kind.ADDED, line)));
        return ops;
    }

    /** [from, to) ranges of ops: each change with its context, overlapping ranges joined. */
    private static List<int[]> hunks(List<Op> ops) {
        List<int[]> hunks = new ArrayList<>();
        for (int i = 0; i < ops.size(); i++) {
            if (ops.get(i).kind() == Kind.SAME) {
                continue;
            }
            int from = Math.max(0, i - CONTEXT);
            int to = Math.min(ops.size(), i + CONTEXT + 1);
            int[] last = hunks.isEmpty() ? null : hunks.get(hunks.size() - 1);
            if (last != null && from <= last[1]) {
                last[1] = Math.max(last[1], to);
            } else {
                hunks.add(new int[] {from, to});
            }
        }
        return hunks;
    }
}
