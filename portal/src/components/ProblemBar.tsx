import { MessageBar, MessageBarBody, MessageBarTitle } from '@fluentui/react-components';
import { ApiError } from '../lib/problem';

/** An API error in words: the problem's title and detail, and any field errors no field on screen shows. */
export function ProblemBar({ error, claimed = [], title }: { error: unknown; claimed?: readonly string[]; title?: string }) {
  if (!error) return null;
  const apiError = error instanceof ApiError ? error : undefined;
  const rest = apiError?.unclaimed(claimed) ?? [];
  return (
    <MessageBar intent="error" layout="multiline">
      <MessageBarBody>
        <MessageBarTitle>{title ?? apiError?.problem.title ?? 'Something went wrong'}</MessageBarTitle>
        {apiError?.problem.detail ?? (error as Error).message}
        {rest.length > 0 && (
          <ul>
            {rest.map((e) => (
              <li key={e.path}>
                {e.path}: {e.message}
              </li>
            ))}
          </ul>
        )}
      </MessageBarBody>
    </MessageBar>
  );
}
