/**
 * How long the loads shown took: one bar per load (the newest first), its length the duration, its
 * colour the status; a running load's bar grows as it runs. Where a table says "45 s" row after row, the
 * bars show at a glance which load took the longest and which failed.
 */
import { KINDS, describe, durationMs, formatDuration, type Load } from './model';

const MAX_BARS = 12;

export function Timeline({
  loads,
  now,
  names,
  onSelect,
}: {
  loads: readonly Load[];
  now: number;
  names: ReadonlyMap<string, string>;
  onSelect: (id: string) => void;
}) {
  const bars = loads
    .map((load) => ({ load, ms: durationMs(load, now) }))
    .filter((b): b is { load: Load; ms: number } => b.ms !== undefined)
    .slice(0, MAX_BARS);
  if (bars.length === 0) return null;
  const longest = Math.max(1_000, ...bars.map((b) => b.ms));
  return (
    <figure class="durations" aria-label="Durations of the loads shown">
      <figcaption>
        Durations of the {bars.length} newest loads shown · longest {formatDuration(longest)}
      </figcaption>
      {bars.map(({ load, ms }) => (
        <div key={load.id} class="bar-row" onClick={() => onSelect(load.id)} data-id={load.id}>
          <span class="bar-label" title={describe(load, names).detail}>
            <small>{KINDS.find((k) => k.kind === load.kind)?.label.replace(/s$/, '')}</small>{' '}
            {describe(load, names).title}
          </span>
          <span class="bar-track">
            <span
              class={`bar status-${load.status}${load.terminal ? '' : ' running'}`}
              style={{ width: `${Math.max(0.5, (ms / longest) * 100)}%` }}
            />
          </span>
          <span class="bar-value">{formatDuration(ms)}</span>
        </div>
      ))}
    </figure>
  );
}
