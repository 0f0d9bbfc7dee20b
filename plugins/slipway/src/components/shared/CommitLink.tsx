import { Link } from '@backstage/core-components';
import { commitUrl, shortSha } from './format';

/** A commit's short SHA, linked to its page when the repo has one. */
export const CommitLink = (props: { repo: string; sha: string }) => {
  const url = commitUrl(props.repo, props.sha);
  const text = <code>{shortSha(props.sha)}</code>;
  if (!url) return <span title={props.sha}>{text}</span>;
  return (
    <Link to={url} title={props.sha} aria-label={`Commit ${props.sha}`}>
      {text}
    </Link>
  );
};
